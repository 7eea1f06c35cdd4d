namespace Ers.LoadTests;

/// <summary>A simulated workstation: its client certificate and the one pooled HTTPS client its agent uses.</summary>
public sealed class SimulatedWorkstation(string id, HttpClient client)
{
    public string Id { get; } = id;
    public HttpClient Client { get; } = client;
}
