namespace Ers.SingleSignOn;

/// <summary>Where one application's back-channel logout stands.</summary>
public enum LogoutDeliveryState
{
    /// <summary>Not yet answered with success: tried again at its next attempt time.</summary>
    Pending = 0,

    /// <summary>The application answered 2xx: never sent again.</summary>
    Delivered = 1,

    /// <summary>Every attempt failed until the give-up time: audited, never sent again.</summary>
    GaveUp = 2,
}
