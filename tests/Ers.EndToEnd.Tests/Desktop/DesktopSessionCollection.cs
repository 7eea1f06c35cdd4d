namespace Ers.EndToEnd.Tests.Desktop;

/// <summary>
/// Runs on its own, after the parallel collections and never beside the end-to-end or quickstart ones: each starts
/// the one pcscd of the machine, and the end-to-end collection's in-process agent would answer this one's cards too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DesktopSessionCollection : ICollectionFixture<DesktopSessionFixture>
{
    public const string Name = "desktop-session";
}
