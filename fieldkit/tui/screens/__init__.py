"""The screens of the app: home, a playbook, help and the neutral page of the quick exit."""
