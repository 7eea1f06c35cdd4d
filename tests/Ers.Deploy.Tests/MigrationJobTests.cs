using k8s.Models;

namespace Ers.Deploy.Tests;

public sealed class MigrationJobTests
{
    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_job_runs_the_idempotent_audit_migration_with_the_audit_connection_string(string source)
    {
        var manifests = Kustomize.Render(source);
        var job = manifests.Single<V1Job>(Renders.AuditMigrate);
        var container = Assert.Single(job.Spec.Template.Spec.Containers);

        // The image's ENTRYPOINT is `dotnet ers.dll` (checked by the Dockerfile tests); the Job adds the command.
        Assert.Null(container.Command);
        Assert.Equal(["audit", "migrate"], container.Args);
        Assert.Equal("ers-tools", Images.Repository(container.Image));
        var environment = Renders.EnvironmentOf(manifests, Renders.AuditMigrate);
        Assert.Equal("postgres-stand-in", environment["ConnectionStrings__Audit"]);
        Assert.DoesNotContain("ConnectionStrings__Redis", environment.Keys);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void Only_the_job_holds_the_audit_owner_credential_and_the_hosts_write_with_the_application_role(string source)
    {
        var manifests = Kustomize.Render(source);
        var owners = manifests.PodTemplates
            .SelectMany(p => p.Spec.Containers)
            .Where(c => (c.Env ?? []).Any(e => e.ValueFrom?.SecretKeyRef?.Key == DeclaredEnvironment.AuditPostgresOwnerKey))
            .Select(c => c.Name)
            .ToList();
        var job = Assert.Single(manifests.Single<V1Job>(Renders.AuditMigrate).Spec.Template.Spec.Containers);
        var ownerVariable = Assert.Single(job.Env, e => e.ValueFrom?.SecretKeyRef?.Key == DeclaredEnvironment.AuditPostgresOwnerKey);
        var appVariable = Assert.Single(job.Env, e => e.ValueFrom?.SecretKeyRef?.Key == DeclaredEnvironment.AuditPostgresKey);

        Assert.Equal([job.Name], owners);
        // `ers audit migrate` connects with the owner's and grants SELECT, INSERT to the user of the application's.
        Assert.Equal("ConnectionStrings__AuditOwner", ownerVariable.Name);
        Assert.Equal("ConnectionStrings__Audit", appVariable.Name);
    }

    [Theory]
    [MemberData(nameof(Renders.All), MemberType = typeof(Renders))]
    public void The_job_retries_a_bounded_number_of_times_and_removes_itself_so_the_next_deploy_can_recreate_it(string source)
    {
        var job = Kustomize.Render(source).Single<V1Job>(Renders.AuditMigrate);

        Assert.InRange(job.Spec.BackoffLimit ?? 6, 1, 6);
        Assert.NotNull(job.Spec.TtlSecondsAfterFinished);
        Assert.InRange(job.Spec.TtlSecondsAfterFinished.Value, 1, 3600);
        Assert.NotNull(job.Spec.ActiveDeadlineSeconds);
        Assert.Contains(job.Spec.Template.Spec.RestartPolicy, new[] { "Never", "OnFailure" });
        // No generated ConfigMap: its hashed name would change the (immutable) pod template on every config change.
        Assert.All(job.Spec.Template.Spec.Containers, c => Assert.Null(c.EnvFrom));
    }
}
