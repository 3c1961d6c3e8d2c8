"""Security helpers shared by every app: middleware (CSP, idle sign-out, two-factor for
administrators), spreadsheet formula neutralisation and upload validation.

See docs/security.md for what each one protects against.
"""
