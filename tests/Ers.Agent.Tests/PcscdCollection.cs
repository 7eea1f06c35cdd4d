namespace Ers.Agent.Tests;

/// <summary>The tests that use the one pcscd per machine (<see cref="PcscdFixture"/>), one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PcscdCollection : ICollectionFixture<PcscdFixture>
{
    public const string Name = "pcscd";
}
