using System.Text.Json;

namespace Ers.Tools.Pki;

/// <summary>A user to issue a card for.</summary>
public sealed record CardHolder(string UserId, string Name);

/// <summary>
/// Reads the users of a staff directory JSON file: <c>{"users":[{"uuid":"555294209105","name":"Amelia Hart"}]}</c>
/// (<c>userId</c> is accepted for <c>uuid</c>). Only the fields a card certificate needs are read.
/// </summary>
public static class DirectoryUsers
{
    public static IReadOnlyList<CardHolder> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!document.RootElement.TryGetProperty("users", out var users) || users.ValueKind != JsonValueKind.Array)
        {
            throw new PkiException($"'{path}' has no 'users' array.");
        }

        var holders = new List<CardHolder>();
        foreach (var user in users.EnumerateArray())
        {
            var id = Text(user, "uuid") ?? Text(user, "userId");
            var name = Text(user, "name");
            if (!UserIds.IsValid(id) || string.IsNullOrWhiteSpace(name))
            {
                throw new PkiException($"'{path}': user #{holders.Count + 1} needs a 12-digit 'uuid' and a 'name'.");
            }

            holders.Add(new CardHolder(id!, name));
        }

        return holders;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
