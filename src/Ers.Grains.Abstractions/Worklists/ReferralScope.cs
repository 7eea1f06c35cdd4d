namespace Ers.Worklists;

/// <summary>Whose referrals a referrer's dashboard shows.</summary>
public enum ReferralScope
{
    /// <summary>Referrals the signed-in user made (the default).</summary>
    Me = 1,

    /// <summary>Every referral made by the user's organisation.</summary>
    MyOrganisation = 2,
}
