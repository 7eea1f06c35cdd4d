using Ers.Grains.Staff;

namespace Ers.Tools.Pki;

/// <summary>
/// Reads the users of a staff directory file (docs/directory-format.md) with the directory's own parser, so a card
/// is never issued from a file the import would refuse.
/// </summary>
public static class DirectoryUsers
{
    public static IReadOnlyList<CardHolder> Read(string path)
    {
        var parsed = StaffDirectoryFile.Parse(File.ReadAllText(path));
        if (!parsed.IsValid)
        {
            throw new PkiException($"'{path}' is not a valid directory file:{Environment.NewLine}{string.Join(Environment.NewLine, parsed.Errors)}");
        }

        return parsed.Users.Select(u => new CardHolder(u.UserId, u.Name)).ToList();
    }
}
