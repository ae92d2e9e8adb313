"""The shape every guide must have, whether shipped in a file or written by province staff."""

MIN_STEPS, MAX_STEPS = 1, 10
MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
MIN_CHOICES, MAX_CHOICES = 2, 4
