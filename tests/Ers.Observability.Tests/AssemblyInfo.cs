// Hosts in one process share process-wide listeners (HttpClient spans, runtime metrics): run the tests one by one
// so each host's telemetry holds only what its own test drove.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
