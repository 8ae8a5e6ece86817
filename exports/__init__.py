"""Spreadsheets in and out (tablib for data, openpyxl for laid-out forms). Never imports the UI."""
