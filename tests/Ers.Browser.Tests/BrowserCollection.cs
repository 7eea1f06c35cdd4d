namespace Ers.Browser.Tests;

/// <summary>One host and one browser for the page tests; they run one after another (2-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ErsWebHost>
{
    public const string Name = "browser";
}
