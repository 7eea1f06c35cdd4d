namespace Ers.EndToEnd.Tests;

/// <summary>One stack for every end-to-end test: they share pcscd's reader 0 and run one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end-to-end";
}
