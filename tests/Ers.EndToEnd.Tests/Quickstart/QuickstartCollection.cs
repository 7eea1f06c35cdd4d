namespace Ers.EndToEnd.Tests.Quickstart;

/// <summary>
/// Runs on its own, after the parallel collections and never beside the end-to-end one: both start the one pcscd
/// of the machine, and that collection's in-process agent would answer this test's card too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuickstartCollection
{
    public const string Name = "quickstart";
}
