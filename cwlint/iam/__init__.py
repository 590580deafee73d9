"""IAM policy model and evaluator."""
