"""Screens every mode shares: home, a playbook, help, the neutral page and the mode base."""
