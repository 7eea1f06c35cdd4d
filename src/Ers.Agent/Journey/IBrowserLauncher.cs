namespace Ers.Agent.Journey;

/// <summary>Opens the one-time login URL.</summary>
public interface IBrowserLauncher
{
    void Open(Uri loginUrl);
}
