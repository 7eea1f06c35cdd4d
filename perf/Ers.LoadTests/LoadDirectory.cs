using System.Globalization;
using System.Text;

namespace Ers.LoadTests;

/// <summary>
/// The staff directory the load runs log in with: user i has UUID <c>7</c> followed by i in 11 digits and two role
/// profiles (so every login chooses a role, as most e-RS users with several roles do); the first is at a practice of
/// 20 users, granting two business functions (so the business function is chosen on its form). The same formula gives the
/// generator the user ids without reading the file back.
/// </summary>
public static class LoadDirectory
{
    public static string UserId(int index) => "7" + index.ToString("D11", CultureInfo.InvariantCulture);

    public static string RoleProfileId(int index, int role) =>
        "8" + role.ToString(CultureInfo.InvariantCulture) + index.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Users share a practice in groups of this size, so per-organisation grains see realistic traffic.</summary>
    public const int UsersPerOrganisation = 20;

    public static string OdsCode(int index) => "L" + (index / UsersPerOrganisation).ToString("D5", CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> UserIds(int count) => Enumerable.Range(0, count).Select(UserId).ToArray();

    /// <summary>Writes the directory file for <paramref name="count"/> users (the format of docs/directory-format.md).</summary>
    public static void Write(string path, int count)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.Write("{\"users\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{{\"uuid\":\"{UserId(i)}\",\"name\":\"Load User {i}\",\"roleProfiles\":[" +
                $"{{\"id\":\"{RoleProfileId(i, 0)}\",\"ods\":\"{OdsCode(i)}\",\"organisation\":\"Load Practice {i / UsersPerOrganisation}\",\"jobRoleCode\":\"S8000:G8000:R8000\",\"jobRoleName\":\"Clinical Practitioner Access Role\",\"activities\":[\"B1101\",\"B1102\"]}}," +
                $"{{\"id\":\"{RoleProfileId(i, 1)}\",\"ods\":\"RYY\",\"organisation\":\"Kent Community Health NHS Foundation Trust\",\"jobRoleCode\":\"S8000:G8000:R8000\",\"jobRoleName\":\"Clinical Practitioner Access Role\",\"activities\":[\"B1110\"]}}]}}"));
        }

        writer.Write("]}\n");
    }
}
