"""Currency signs shared by plots, reports and the replication table, so a currency is
written the same way everywhere."""

#: Signs for the currencies published UK and US evaluations use; others are written by code.
CURRENCY_SIGNS = {"GBP": "£", "USD": "$", "EUR": "€"}
