"""Imports and exports: files in, ledger rows out, and the ledger back out as files.

The path of one imported row:

1. ``readers`` splits the file into records, each with the line it starts on, and checks a
   ledger document's header; ``input_files`` tells the format and fits the columns to the header.
2. ``rows.parse_row`` checks a flat record's cells; ``matching.Matcher`` says whether it matches
   a ledger deal. For a CSV or TSV file both run in a process of their own
   (``parsing.RowChecker``, ``children``).
3. The valid row waits in the import's scratch database (``staging.Stage``). Into a ledger
   without deals, a row with its own key is written straight away instead (``straight``), its
   parties numbered by ``parsing.RowChecker`` in the reading process, unless a later row meets it.
4. Rows that meet another row or a ledger deal are merged by the Matcher; a ledger deal is
   brought to its row by ``updating.planned_update`` and ``write_update``, a new one built by
   ``creating.NewDeals``.
5. Every row reaches the database through the one writer (``dealtrack.writer.BulkWriter``), in
   one transaction that commits only if no row had a problem (``importer``).

Ledger documents take ``documents`` and ``party_records`` from step 3; ``exporter`` writes them.
"""
