"""The usage page (page): the operator's usage file, usage rates, the people to call."""
