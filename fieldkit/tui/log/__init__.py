"""Log mode: its screen, today's assignments, recent engagements and the engagement form."""
