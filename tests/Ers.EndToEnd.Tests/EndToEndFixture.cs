namespace Ers.EndToEnd.Tests;

/// <summary>pcscd (the one per machine), then the whole stack; stopped in the reverse order.</summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    private readonly PcscdFixture _pcscd = new();

    public EndToEndStack Stack { get; private set; } = null!;

    /// <summary>The pcscd the fixture started, for the tests that restart it under the running agent.</summary>
    public PcscdFixture Pcscd => _pcscd;

    public async Task InitializeAsync()
    {
        await _pcscd.InitializeAsync();
        Stack = await EndToEndStack.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        await _pcscd.DisposeAsync();
    }
}
