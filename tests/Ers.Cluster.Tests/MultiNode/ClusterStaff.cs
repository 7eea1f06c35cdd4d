using System.Globalization;
using System.Security.Cryptography;
using Ers.Staff;
using Ers.Testing.Pki;
using Ers.Tools.Pki;

namespace Ers.Cluster.Tests.MultiNode;

/// <summary>Staff imported straight into a cluster's user grains, and their cards issued on the cluster's PKI.</summary>
internal static class ClusterStaff
{
    /// <summary>A new user (random id) with one role profile at RYY whose business functions are <paramref name="activities"/>.</summary>
    public static async Task<StaffUser> ImportAsync(IClusterClient grains, string name, params string[] activities)
    {
        var userId = "5556" + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var user = new StaffUser(userId, name,
            [new RoleProfile("7776" + userId[4..], "RYY", "Test Trust", "S8000:G8000:R8000", "Clinical Practitioner Access Role", activities)]);
        await grains.GetGrain<IUserGrain>(userId).ImportAsync(user);
        return user;
    }

    /// <summary>The user's card (RSA, valid from five minutes ago for 30 days), recorded in the PKI.</summary>
    public static TestCard IssueCard(DevPki pki, StaffUser user) =>
        TestCard.IssueRecorded(pki, user.UserId, user.Name, KeyAlgorithm.Rsa2048, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
}
