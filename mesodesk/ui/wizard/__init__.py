"""The consultation wizard (one QWizardPage per step)."""
