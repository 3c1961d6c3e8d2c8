"""Reading ids from query strings safely.

`str.isdigit()` accepts characters such as '²' that int() refuses, and a long run of digits
overflows the database's 64-bit integers; both turned a typo in a URL into a server error.
"""

MAX_ID = 2**63 - 1


def id_param(value: str | None) -> int | None:
    """The id in a query-string value, or None when it is not a plain, in-range number."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ID else None
