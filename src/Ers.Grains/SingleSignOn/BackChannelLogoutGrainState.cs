using Ers.SingleSignOn;

namespace Ers.Grains.SingleSignOn;

[GenerateSerializer, Alias("ers.BackChannelLogoutState")]
public sealed class BackChannelLogoutGrainState
{
    /// <summary>The ended session's order, kept so a repeated one changes nothing; null before the first.</summary>
    [Id(0)] public BackChannelLogoutOrder? Order { get; set; }

    [Id(1)] public List<LogoutDelivery> Deliveries { get; set; } = [];
}
