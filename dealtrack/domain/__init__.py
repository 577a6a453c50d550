"""The ledger's rules as pure code: values in, values out, no session and no click.

The recording commands, every import path and ``check`` call these functions, so each rule is
written once and the paths cannot drift apart.
"""
