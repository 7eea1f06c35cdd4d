namespace Ers.Browser.Tests;

[CollectionDefinition(Name)]
public sealed class ShortIdleCollection : ICollectionFixture<ShortIdleHost>
{
    public const string Name = "browser-short-idle";
}
