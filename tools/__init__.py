"""Development tools outside the application: demo data, the benchmark and the fake people both are made of."""
