"""The reports page: a period's figures for the funders, previewed as they leave the desk, and
written as PDF, XLSX, CSV or the pseudonymised export."""
