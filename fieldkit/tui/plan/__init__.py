"""The Plan mode's parts: the week grid, the details and the team picker."""
