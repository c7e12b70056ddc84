"""The officer's aids: helplines and the leaflet, full screen, to show the person."""
