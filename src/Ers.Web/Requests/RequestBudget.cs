using Ers.Cluster;
using Microsoft.Extensions.Options;

namespace Ers.Web.Requests;

/// <summary>
/// Gives every HTTP request one <see cref="GrainCallBudget"/> from its start (<see cref="RequestBudgetOptions.GrainCalls"/>):
/// all the grain calls the request makes share its deadline (src/Ers.Cluster/ClientRetryFilter.cs), so a page view
/// during a silo failover answers, or answers 503 <c>service.store-unavailable</c>, within the promise however many
/// calls it makes.
/// </summary>
public static class RequestBudget
{
    public static IServiceCollection AddErsRequestBudget(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestBudgetOptions>()
            .Bind(configuration.GetSection(RequestBudgetOptions.Section))
            .Validate(o => !o.Validate().Any(), $"Invalid {RequestBudgetOptions.Section} settings: {RequestBudgetOptions.Section}:GrainCalls must be positive and under 3 seconds")
            .ValidateOnStart();
        // First in the pipeline, before any middleware that may call a grain (the cookie's session check does).
        services.AddTransient<IStartupFilter, FirstMiddleware>();
        return services;
    }

    /// <summary>
    /// A fresh budget for the work that follows in this request: a long-lived request (a page's event stream) takes
    /// one per round of work it does, so its later grain calls are not failed by the deadline of its start.
    /// </summary>
    public static GrainCallBudget Restart(HttpContext context) =>
        GrainCallBudget.Start(context.RequestServices.GetRequiredService<TimeProvider>(),
            context.RequestServices.GetRequiredService<IOptions<RequestBudgetOptions>>().Value.GrainCalls);

    private sealed class FirstMiddleware : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
            var total = app.ApplicationServices.GetRequiredService<IOptions<RequestBudgetOptions>>().Value.GrainCalls;
            app.Use(async (context, inner) =>
            {
                // Set inside this async method: the budget belongs to this request's flow and ends with it.
                GrainCallBudget.Start(time, total);
                await inner(context);
            });
            next(app);
        };
    }
}
