"""The demo seller the embedded default sets up: shared by the launcher, which must not load
Django models, and the setup_demo command."""

DEMO_EMAIL = "owner@demo.example"
DEMO_ACCOUNT = "Demo Seller (Amazon sandbox)"
DEMO_MAILDIR = "demo"  # inside MAILDIR_ROOT, where `python -m sandbox.mail` writes
DEMO_MARKETPLACES = [
    "A1PA6795UKMFR9",
    "A1F83G8C2ARO7P",
    "A13V1IB3VIYZZH",
    "APJ6JRA9NG5V4",
    "A1RKKUPIHCS9HS",
]
