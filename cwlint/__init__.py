"""cwlint: catch the infrastructure code that makes CloudWatch metrics and logs go silent."""

__version__ = "0.1.0"
