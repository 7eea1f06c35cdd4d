using System.Text.Json;
using System.Text.RegularExpressions;
using Ers.Staff;

namespace Ers.Grains.Staff;

/// <summary>
/// Reads and checks a staff directory file (format: docs/directory-format.md). The whole file is checked before
/// anything is imported, so an invalid file changes nothing; every problem names the line or field at fault.
/// </summary>
public static partial class StaffDirectoryFile
{
    public static DirectoryParseResult Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            return DirectoryParseResult.Failed($"line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: not valid JSON ({FirstSentence(e.Message)})");
        }

        using (document)
        {
            var errors = new List<string>();
            var users = new List<StaffUser>();
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("users", out var usersElement) ||
                usersElement.ValueKind != JsonValueKind.Array)
            {
                return DirectoryParseResult.Failed("users: the file must be an object with a \"users\" array");
            }

            var seenUsers = new HashSet<string>(StringComparer.Ordinal);
            var seenProfiles = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in usersElement.EnumerateArray())
            {
                var user = ReadUser(element, $"users[{index}]", errors, seenProfiles);
                if (user is not null && !seenUsers.Add(user.UserId))
                {
                    errors.Add($"users[{index}].uuid: user {user.UserId} appears more than once");
                }
                else if (user is not null)
                {
                    users.Add(user);
                }

                index++;
            }

            return errors.Count > 0 ? new DirectoryParseResult([], errors) : new DirectoryParseResult(users, []);
        }
    }

    private static StaffUser? ReadUser(JsonElement element, string path, List<string> errors, HashSet<string> seenProfiles)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: must be an object");
            return null;
        }

        var before = errors.Count;
        var uuid = RequiredString(element, "uuid", path, errors, TwelveDigits(), "must be 12 digits");
        var name = RequiredString(element, "name", path, errors, null, null);
        var profiles = new List<RoleProfile>();
        if (!element.TryGetProperty("roleProfiles", out var profilesElement) || profilesElement.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}.roleProfiles: required, an array (empty for a user with no role)");
        }
        else
        {
            var i = 0;
            foreach (var p in profilesElement.EnumerateArray())
            {
                var profile = ReadProfile(p, $"{path}.roleProfiles[{i}]", errors);
                if (profile is not null && !seenProfiles.Add(profile.RoleProfileId))
                {
                    errors.Add($"{path}.roleProfiles[{i}].id: role profile {profile.RoleProfileId} appears more than once");
                }
                else if (profile is not null)
                {
                    profiles.Add(profile);
                }

                i++;
            }
        }

        return errors.Count == before ? new StaffUser(uuid!, name!, profiles) : null;
    }

    private static RoleProfile? ReadProfile(JsonElement element, string path, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: must be an object");
            return null;
        }

        var before = errors.Count;
        var id = RequiredString(element, "id", path, errors, TwelveDigits(), "must be 12 digits (the URID)");
        var ods = RequiredString(element, "ods", path, errors, OdsCode(), "must be an ODS code: 3 to 6 letters or digits");
        var organisation = RequiredString(element, "organisation", path, errors, null, null);
        var jobRoleCode = RequiredString(element, "jobRoleCode", path, errors, JobRoleCode(), "must look like S8000:G8000:R8000");
        var jobRoleName = RequiredString(element, "jobRoleName", path, errors, null, null);
        var activities = new List<string>();
        if (!element.TryGetProperty("activities", out var activitiesElement) || activitiesElement.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}.activities: required, an array of activity codes such as \"B1101\"");
        }
        else
        {
            var i = 0;
            foreach (var a in activitiesElement.EnumerateArray())
            {
                if (a.ValueKind != JsonValueKind.String || !ActivityCode().IsMatch(a.GetString()!))
                {
                    errors.Add($"{path}.activities[{i}]: must be an activity code such as \"B1101\"");
                }
                else
                {
                    activities.Add(a.GetString()!);
                }

                i++;
            }
        }

        return errors.Count == before ? new RoleProfile(id!, ods!, organisation!, jobRoleCode!, jobRoleName!, activities) : null;
    }

    private static string? RequiredString(JsonElement element, string name, string path, List<string> errors, Regex? pattern, string? rule)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add($"{path}.{name}: required, a non-empty string");
            return null;
        }

        var text = value.GetString()!.Trim();
        if (pattern is not null && !pattern.IsMatch(text))
        {
            errors.Add($"{path}.{name}: \"{text}\" {rule}");
            return null;
        }

        return text;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex TwelveDigits();

    [GeneratedRegex(@"^[A-Z0-9]{3,6}$")]
    private static partial Regex OdsCode();

    [GeneratedRegex(@"^S\d{4}:G\d{4}:R\d{4}$")]
    private static partial Regex JobRoleCode();

    [GeneratedRegex(@"^B\d{4}$")]
    private static partial Regex ActivityCode();
}
