// Two hosts with a silo and a browser each would compete for two cores and blur the timing promises under test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
