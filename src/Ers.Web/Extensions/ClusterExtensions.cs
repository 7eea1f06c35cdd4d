using Ers.Cluster;
using Ers.Web.Requests;

namespace Ers.Web.Extensions;

public static class ClusterExtensions
{
    public const string CoHostSiloKey = "Ers:Web:CoHostSilo";

    /// <summary>
    /// The web front end co-hosts a silo on the embedded default (one process runs everything) and is a plain
    /// cluster client otherwise, unless <c>Ers:Web:CoHostSilo</c> says so.
    /// </summary>
    public static ErsClusterOptions AddErsClusterMembership(this WebApplicationBuilder builder)
    {
        var provider = ErsClusterOptions.From(builder.Configuration).Provider;
        var coHost = builder.Configuration.GetValue(CoHostSiloKey, provider == ClusterProvider.Localhost);
        // Every request's grain calls share one deadline (src/Ers.Web/Requests/RequestBudget.cs).
        builder.Services.AddErsRequestBudget(builder.Configuration);
        return coHost ? builder.AddErsSilo() : builder.AddErsClusterClient();
    }
}
