"""The archive and daily management: entry into the archive, 异动, work history, appraisals, credit records and the yearly rules."""
