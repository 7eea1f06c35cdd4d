using System.Security.Claims;
using System.Text.Json;

namespace Ers.SampleRp;

/// <summary>
/// What the page shows, read from the id token's claims as the handler put them in the cookie: <c>selected_role</c>
/// (scope selectedrole), else the entry of <c>nhsid_nrbac_roles</c> (scope nationalrbacaccess) whose
/// <c>person_roleid</c> is <c>selected_roleid</c>.
/// </summary>
internal sealed record SignedInUser(string Name, string Subject, string? RoleProfileId, string? Role, string? Organisation, string? SessionId)
{
    public static SignedInUser From(ClaimsPrincipal user)
    {
        var roleProfileId = user.FindFirst("selected_roleid")?.Value;
        var role = user.FindFirst("selected_role")?.Value is { } selected
            ? Parse(selected)
            : user.FindAll("nhsid_nrbac_roles").SelectMany(c => Roles(c.Value))
                .FirstOrDefault(r => Text(r, "person_roleid") == roleProfileId);
        string? organisation = null;
        if (role is { } r && Text(r, "org_name") is { } orgName)
        {
            organisation = Text(r, "org_code") is { } code ? $"{orgName} ({code})" : orgName;
        }

        return new SignedInUser(
            user.FindFirst("name")?.Value ?? "",
            user.FindFirst("sub")?.Value ?? "",
            roleProfileId,
            role is { } chosen ? Text(chosen, "role_name") : null,
            organisation,
            user.FindFirst("sid")?.Value);
    }

    private static JsonElement? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // One claim per role when the handler split the array; the whole array in one claim otherwise.
    private static IEnumerable<JsonElement> Roles(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement.Clone();
            return root.ValueKind switch
            {
                JsonValueKind.Object => [root],
                JsonValueKind.Array => root.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToList(),
                _ => [],
            };
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Text(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
