"""Answer composition: approved wording, extractive answers, calculators."""
