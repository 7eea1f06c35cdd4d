using System.Text.Json;
using Ers.Staff;

namespace Ers.Testing.Staff;

/// <summary>Staff directory files as an import reads them (docs/directory-format.md), written from the users a test holds.</summary>
public static class StaffDirectoryJson
{
    public static string Of(params StaffUser[] users) => JsonSerializer.Serialize(new
    {
        users = users.Select(u => new
        {
            uuid = u.UserId,
            name = u.Name,
            roleProfiles = u.RoleProfiles.Select(p => new
            {
                id = p.RoleProfileId,
                ods = p.OdsCode,
                organisation = p.OrganisationName,
                jobRoleCode = p.JobRoleCode,
                jobRoleName = p.JobRoleName,
                activities = p.Activities,
            }),
        }),
    });
}
