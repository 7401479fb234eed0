"""PassDesk: the desk application that hands out Pass Numérique vouchers."""

__version__ = "0.1.0"
