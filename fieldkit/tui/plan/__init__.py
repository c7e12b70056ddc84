"""Plan mode: its screen, the week grid, the assignment details and the team picker."""
