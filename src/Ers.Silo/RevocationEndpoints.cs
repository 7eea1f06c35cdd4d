using Ers.Revocation;

namespace Ers.Silo;

/// <summary>
/// The operator's "refresh now" on the silo's internal HTTP port (the one its health probes use; no ingress routes to
/// a silo): <c>POST /crl/refresh</c> makes the cluster's revocation owner re-read every CRL source at once and answers
/// the resulting snapshot's sources (what <c>ers crl refresh</c> prints).
/// </summary>
public static class RevocationEndpoints
{
    public const string RefreshPath = "/crl/refresh";

    public static IEndpointRouteBuilder MapErsRevocationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(RefreshPath, async (IGrainFactory grains) =>
        {
            var snapshot = await grains.GetGrain<IRevocationGrain>(0).RefreshNowAsync();
            return TypedResults.Ok(new
            {
                snapshot.Version,
                snapshot.CheckedAt,
                CardCrls = snapshot.CardCrls.Count,
                WorkstationCrls = snapshot.WorkstationCrls.Count,
                snapshot.Sources,
            });
        });
        return endpoints;
    }
}
