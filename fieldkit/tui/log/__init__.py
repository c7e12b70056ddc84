"""The Log mode's parts: today's assignments, recent engagements and the engagement form."""
