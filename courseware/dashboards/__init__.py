"""Dashboards: the cohort at a glance for tutors, and each learner's own progress."""
