"""Small helpers shared by several apps. Not a Django app: no models, no settings
of its own; each helper takes what it needs as arguments."""
