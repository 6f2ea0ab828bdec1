'use strict';

// grunt require()s every file here and calls its export with grunt, so this file is CommonJS;
// the tasks themselves live in the package's ESM build and are loaded when a task runs.
module.exports = function (grunt) {
  const run = (task, name) => {
    const done = task.async();
    import('../dist/index.js')
      .then((tasks) => tasks[name](grunt, task))
      .then(
        () => done(),
        (error) => done(error),
      );
  };

  grunt.registerMultiTask('octo-pack', 'Pack files into an Octopus Deploy package (zip, tar.gz or tar).', function () {
    run(this, 'packTask');
  });

  grunt.registerMultiTask('octo-push', "Push Octopus Deploy packages to an Octopus Server's built-in repository.", function () {
    run(this, 'pushTask');
  });
};
