"""The Plan mode's parts: the plan session, the week grid, the details and the team picker."""
