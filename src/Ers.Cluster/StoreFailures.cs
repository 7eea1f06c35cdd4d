using Orleans.Persistence.Redis;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Ers.Cluster;

/// <summary>
/// Tells "a store or the cluster is briefly unreachable" (answer 503 <c>service.store-unavailable</c>, retry later)
/// from a bug (500). Used by hosts that turn grain call failures into HTTP answers.
/// </summary>
public static class StoreFailures
{
    /// <summary>True for an unreachable store (Redis, PostgreSQL) or a cluster that is failing over.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StoreUnavailableException:
                case RedisException:
                case RedisStorageException:
                case TimeoutException:
                case SiloUnavailableException:
                case OrleansMessageRejectionException:
                case Orleans.Runtime.Messaging.ConnectionFailedException:
                    return true;
                case UnavailableExceptionFallbackException fallback
                    when fallback.ExceptionType?.Contains("Redis", StringComparison.Ordinal) == true:
                    return true;
            }
        }

        return false;
    }

    /// <summary>True when the failure came from a grain-state store (Redis) rather than from Ers' own logic.</summary>
    internal static bool IsStateStoreFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RedisException or RedisStorageException)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Turns a grain-state store failure inside a grain call into <see cref="StoreUnavailableException"/>, a type every
/// client can deserialize, instead of a driver exception that crosses the wire as an opaque fallback.
/// </summary>
internal sealed class StoreFailureCallFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (StoreFailures.IsStateStoreFailure(e))
        {
            throw new StoreUnavailableException(
                "The session store (Redis) is unavailable: the action was not performed. Try again shortly.");
        }
    }
}
